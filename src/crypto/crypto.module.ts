import { Global, Module } from '@nestjs/common';
import { CaseCipher } from './case-cipher';

/**
 * Envelope encryption of case content (issue 19), available to every feature. (The CLI's
 * KekRotationService is provided by the CLI module, beside the access primitive it uses.)
 */
@Global()
@Module({ providers: [CaseCipher], exports: [CaseCipher] })
export class CryptoModule {}
