import { Module } from '@nestjs/common';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentsService } from './attachments.service';
import { FILE_STORAGE, fileStorageProvider } from './file-storage';

/**
 * Files on cases, consents, information requests and meetings (issue 18 item 3). The storage
 * is bound here, once: a directory (FILE_STORAGE_DIR) or an S3-compatible bucket
 * (FILE_STORAGE=s3), chosen by `createFileStorage`. Contents are sealed before they reach it (issue 19). The
 * storage is exported for disposal, which removes a disposed case's files.
 */
@Module({
  controllers: [AttachmentsController],
  providers: [AttachmentsRepository, AttachmentsService, fileStorageProvider],
  exports: [FILE_STORAGE],
})
export class AttachmentsModule {}
