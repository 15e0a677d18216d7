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
  CreatedStaffDto,
  CreateStaffDto,
  EndStaffDto,
  StaffDto,
  UpdateStaffDto,
} from './dto/council.dto';
import { StaffService } from './staff.service';

class StaffQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only current (true) or only former (false) staff' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;
}

@ApiTags('staff')
@CouncilController('staff')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  /**
   * Invites a person: a pending record (grants nothing) and a single-use invitation. The answer
   * is the same whether or not the address has an account; the link itself only where mail is
   * not delivered (no SMTP, or the embedded demo).
   */
  @Post()
  @Authorize('create', 'Staff')
  @ApiCreatedResponse({ type: CreatedStaffDto })
  @ApiOperation({
    summary: 'Invite a person to act for a member body in a role',
    operationId: 'inviteStaff',
  })
  @ApiErrors(409, 422)
  create(@Principal() p: CouncilPrincipal, @Body() dto: CreateStaffDto): Promise<CreatedStaffDto> {
    return this.staff.create(p, dto);
  }

  @Get()
  @Authorize('read', 'Staff')
  @ApiOperation({ summary: 'List the council’s staff records', operationId: 'listStaff' })
  @ApiPageResponse(StaffDto)
  list(@Principal() p: CouncilPrincipal, @Query() q: StaffQueryDto): Promise<Page<StaffDto>> {
    return this.staff.list(p, q.active ?? null, q);
  }

  @Get(':staffId')
  @Authorize('read', 'Staff')
  @ApiOkResponse({ type: StaffDto })
  @ApiOperation({ summary: 'Read a staff record', operationId: 'getStaff' })
  get(@Principal() p: CouncilPrincipal, @IdParam('staffId') staffId: string): Promise<StaffDto> {
    return this.staff.get(p, staffId);
  }

  @Patch(':staffId')
  @Authorize('update', 'Staff')
  @ApiOkResponse({ type: StaffDto })
  @ApiOperation({ summary: 'Change a staff record’s role or scope', operationId: 'updateStaff' })
  @ApiErrors(409)
  update(
    @Principal() p: CouncilPrincipal,
    @IdParam('staffId') staffId: string,
    @Body() dto: UpdateStaffDto,
  ): Promise<StaffDto> {
    return this.staff.update(p, staffId, dto);
  }

  @Post(':staffId/end')
  @HttpCode(200)
  @Authorize('end', 'Staff')
  @ApiOkResponse({ type: StaffDto })
  @ApiOperation({ summary: 'End a staff record', operationId: 'endStaff' })
  @ApiErrors(409)
  end(
    @Principal() p: CouncilPrincipal,
    @IdParam('staffId') staffId: string,
    @Body() dto: EndStaffDto,
  ): Promise<StaffDto> {
    return this.staff.end(p, staffId, dto.endedOn);
  }
}
