import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ALL_STAFF_ROLES, CouncilAccess } from '../access/council-access';
import { Page } from '../common/http/pagination';

/**
 * Placeholder until case records exist (issue 5): the route already carries the rule every
 * case endpoint will have — current staff of the council with the current pledge — so that
 * rule is tested from day one. It lists nothing because there is nothing to list yet.
 */
@ApiTags('cases')
@Controller('councils/:councilId/cases')
export class CasesController {
  @Get()
  @CouncilAccess({ roles: ALL_STAFF_ROLES, pledge: true })
  list(): Page<never> {
    return { items: [], nextCursor: null };
  }
}
