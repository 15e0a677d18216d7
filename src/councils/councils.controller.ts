import { Body, Controller, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ALL_STAFF_ROLES, CouncilAccess, Principal } from '../access/council-access';
import { CouncilPrincipal } from '../access/council-principal';
import { AuthUser } from '../auth/auth.types';
import { CurrentUser } from '../auth/current-user.decorator';
import { Page, PageQueryDto } from '../common/http/pagination';
import { CouncilsService } from './councils.service';
import {
  CouncilDto,
  CreateCouncilDto,
  DesignateCoordinatingBodyDto,
  UpdateCouncilDto,
} from './dto/council.dto';

@ApiTags('councils')
@Controller('councils')
export class CouncilsController {
  constructor(private readonly councils: CouncilsService) {}

  @Post()
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: CouncilDto })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateCouncilDto): Promise<CouncilDto> {
    return this.councils.create(user, dto);
  }

  @Get()
  @ApiBearerAuth()
  list(@CurrentUser() user: AuthUser, @Query() q: PageQueryDto): Promise<Page<CouncilDto>> {
    return this.councils.list(user, q);
  }

  @Get(':councilId')
  @CouncilAccess({ roles: ALL_STAFF_ROLES, systemAdmin: true })
  @ApiOkResponse({ type: CouncilDto })
  get(@Principal() p: CouncilPrincipal): Promise<CouncilDto> {
    return this.councils.get(p.councilId);
  }

  @Patch(':councilId')
  @CouncilAccess({ roles: ['coordinator'] })
  @ApiOkResponse({ type: CouncilDto })
  update(@Principal() p: CouncilPrincipal, @Body() dto: UpdateCouncilDto): Promise<CouncilDto> {
    return this.councils.update(p, p.councilId, dto);
  }

  @Put(':councilId/coordinating-body')
  @HttpCode(200)
  @CouncilAccess({ roles: ['coordinator'], systemAdmin: true })
  @ApiOkResponse({ type: CouncilDto })
  designate(
    @Principal() p: CouncilPrincipal,
    @Body() dto: DesignateCoordinatingBodyDto,
  ): Promise<CouncilDto> {
    return this.councils.designateCoordinatingBody(p, p.councilId, dto.memberBodyId);
  }
}
