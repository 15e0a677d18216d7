import { Body, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiErrors, ApiPageResponse, CouncilController } from '../common/http/api-docs';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiPropertyOptional,
  ApiTags,
  ApiOperation,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { IdParam } from '../common/http/id-param';
import { Page, PageQueryDto } from '../common/http/pagination';
import {
  CreateMemberBodyDto,
  LeaveDto,
  MemberBodyDto,
  UpdateMemberBodyDto,
} from './dto/council.dto';
import { MemberBodiesService } from './member-bodies.service';

class MemberBodyQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Include bodies that have left the council' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeLeft?: boolean;
}

@ApiTags('member-bodies')
@CouncilController('member-bodies')
export class MemberBodiesController {
  constructor(private readonly bodies: MemberBodiesService) {}

  @Post()
  @Authorize('create', 'MemberBody')
  @ApiCreatedResponse({ type: MemberBodyDto })
  @ApiOperation({ summary: 'Add a member body to the council', operationId: 'createMemberBody' })
  @ApiErrors(409)
  create(
    @Principal() p: CouncilPrincipal,
    @Body() dto: CreateMemberBodyDto,
  ): Promise<MemberBodyDto> {
    return this.bodies.create(p, dto);
  }

  @Get()
  @Authorize('read', 'MemberBody')
  @ApiOperation({ summary: 'List the council’s member bodies', operationId: 'listMemberBodies' })
  @ApiPageResponse(MemberBodyDto)
  list(
    @Principal() p: CouncilPrincipal,
    @Query() q: MemberBodyQueryDto,
  ): Promise<Page<MemberBodyDto>> {
    return this.bodies.list(p, q.includeLeft ?? false, q);
  }

  @Get(':memberBodyId')
  @Authorize('read', 'MemberBody')
  @ApiOkResponse({ type: MemberBodyDto })
  @ApiOperation({ summary: 'Read a member body', operationId: 'getMemberBody' })
  get(
    @Principal() p: CouncilPrincipal,
    @IdParam('memberBodyId') id: string,
  ): Promise<MemberBodyDto> {
    return this.bodies.get(p, id);
  }

  @Patch(':memberBodyId')
  @Authorize('update', 'MemberBody')
  @ApiOkResponse({ type: MemberBodyDto })
  @ApiOperation({ summary: 'Change a member body', operationId: 'updateMemberBody' })
  @ApiErrors(409)
  update(
    @Principal() p: CouncilPrincipal,
    @IdParam('memberBodyId') id: string,
    @Body() dto: UpdateMemberBodyDto,
  ): Promise<MemberBodyDto> {
    return this.bodies.update(p, id, dto);
  }

  @Post(':memberBodyId/leave')
  @HttpCode(200)
  @Authorize('leave', 'MemberBody')
  @ApiOkResponse({ type: MemberBodyDto })
  @ApiOperation({
    summary: 'Record that a member body leaves the council',
    operationId: 'leaveCouncil',
  })
  @ApiErrors(409)
  leave(
    @Principal() p: CouncilPrincipal,
    @IdParam('memberBodyId') id: string,
    @Body() dto: LeaveDto,
  ): Promise<MemberBodyDto> {
    return this.bodies.leave(p, id, dto.leftOn);
  }
}
