import { Global, Module } from '@nestjs/common';
import { CaseCipher } from './case-cipher';
import { KekRotationService } from './kek-rotation.service';

/** Envelope encryption of case content (issue 19), available to every feature. */
@Global()
@Module({ providers: [CaseCipher, KekRotationService], exports: [CaseCipher, KekRotationService] })
export class CryptoModule {}
