import { Module } from '@nestjs/common';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentsService } from './attachments.service';
import { DirectoryStorage, FILE_STORAGE } from './file-storage';

/**
 * Files on cases, consents, information requests and meetings (issue 18 item 3). The storage
 * is bound here, once: a directory (FILE_STORAGE_DIR); an S3-compatible store would be another
 * FileStorage bound in this factory. Contents are sealed before they reach it (issue 19). The
 * storage is exported for disposal, which removes a disposed case's files.
 */
@Module({
  controllers: [AttachmentsController],
  providers: [
    AttachmentsRepository,
    AttachmentsService,
    {
      provide: FILE_STORAGE,
      inject: [APP_CONFIG],
      useFactory: (config: RuntimeConfig) => new DirectoryStorage(config.files.storageDir),
    },
  ],
  exports: [FILE_STORAGE],
})
export class AttachmentsModule {}
