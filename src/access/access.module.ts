import { Global, Module } from '@nestjs/common';
import { CouncilTransactions } from '../database/council-transactions';
import { AbilityFactory, POLICY_SET } from './ability.factory';
import { AccessService } from './access.service';
import { AuthorizeGuard } from './authorize';
import { loadPolicies } from './policy-loader';
import { PrincipalResolver } from './principal-resolver';
import { PrincipalRepository } from './principal.repository';

/**
 * The one path for access decisions. Policies are loaded and validated once at start-up; a bad
 * policy file stops the server with a message naming the file, rule and problem.
 */
@Global()
@Module({
  providers: [
    { provide: POLICY_SET, useFactory: () => loadPolicies() },
    AbilityFactory,
    PrincipalRepository,
    PrincipalResolver,
    AuthorizeGuard,
    CouncilTransactions,
    AccessService,
  ],
  exports: [
    POLICY_SET,
    AbilityFactory,
    PrincipalRepository,
    PrincipalResolver,
    AuthorizeGuard,
    CouncilTransactions,
    AccessService,
  ],
})
export class AccessModule {}
