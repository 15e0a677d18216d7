import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
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

@ApiTags('member bodies')
@Controller('councils/:councilId/member-bodies')
export class MemberBodiesController {
  constructor(private readonly bodies: MemberBodiesService) {}

  @Post()
  @Authorize('create', 'MemberBody')
  @ApiCreatedResponse({ type: MemberBodyDto })
  create(
    @Principal() p: CouncilPrincipal,
    @Body() dto: CreateMemberBodyDto,
  ): Promise<MemberBodyDto> {
    return this.bodies.create(p, dto);
  }

  @Get()
  @Authorize('read', 'MemberBody')
  list(
    @Principal() p: CouncilPrincipal,
    @Query() q: MemberBodyQueryDto,
  ): Promise<Page<MemberBodyDto>> {
    return this.bodies.list(p, q.includeLeft ?? false, q);
  }

  @Get(':memberBodyId')
  @Authorize('read', 'MemberBody')
  @ApiOkResponse({ type: MemberBodyDto })
  get(
    @Principal() p: CouncilPrincipal,
    @IdParam('memberBodyId') id: string,
  ): Promise<MemberBodyDto> {
    return this.bodies.get(p, id);
  }

  @Patch(':memberBodyId')
  @Authorize('update', 'MemberBody')
  @ApiOkResponse({ type: MemberBodyDto })
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
  leave(
    @Principal() p: CouncilPrincipal,
    @IdParam('memberBodyId') id: string,
    @Body() dto: LeaveDto,
  ): Promise<MemberBodyDto> {
    return this.bodies.leave(p, id, dto.leftOn);
  }
}
