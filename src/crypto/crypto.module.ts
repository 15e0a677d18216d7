import { Global, Module } from '@nestjs/common';
import { CaseCipher } from './case-cipher';

/** Envelope encryption of case content (issue 19), available to every feature. */
@Global()
@Module({ providers: [CaseCipher], exports: [CaseCipher] })
export class CryptoModule {}
