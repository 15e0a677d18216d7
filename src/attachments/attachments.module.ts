import { Module } from '@nestjs/common';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentsService } from './attachments.service';
import { createFileStorage, FILE_STORAGE } from './file-storage';

/**
 * Files on cases, consents, information requests and meetings (issue 18 item 3). The storage
 * is bound here, once: a directory (FILE_STORAGE_DIR) or an S3-compatible bucket (FILE_STORAGE=s3).
 * Envelope encryption of contents is another FileStorage wrapping it in this factory.
 */
@Module({
  controllers: [AttachmentsController],
  providers: [
    AttachmentsRepository,
    AttachmentsService,
    {
      provide: FILE_STORAGE,
      inject: [APP_CONFIG],
      useFactory: (config: RuntimeConfig) => createFileStorage(config.files),
    },
  ],
})
export class AttachmentsModule {}
