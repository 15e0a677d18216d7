import { Global, Module } from '@nestjs/common';
import { CouncilTransactions } from '../database/council-transactions';
import { CouncilAccessGuard } from './council-access';
import { PrincipalRepository } from './principal.repository';

@Global()
@Module({
  providers: [PrincipalRepository, CouncilAccessGuard, CouncilTransactions],
  exports: [PrincipalRepository, CouncilAccessGuard, CouncilTransactions],
})
export class AccessModule {}
