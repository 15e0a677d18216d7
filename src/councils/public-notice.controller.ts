import { Controller, Get, Query } from '@nestjs/common';
import { ApiPageResponse } from '../common/http/api-docs';
import { ApiTags, ApiOperation } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import { Page, PageQueryDto } from '../common/http/pagination';
import { CouncilsService } from './councils.service';
import { PublicCouncilDto } from './dto/council.dto';

/** 公示 (施行規則 Art. 1). No authentication; names of councils and current bodies only. */
@ApiTags('public')
@Controller('public/councils')
export class PublicNoticeController {
  constructor(private readonly councils: CouncilsService) {}

  @Public()
  @Get()
  @ApiOperation({
    summary: 'List the councils that publish a public notice',
    operationId: 'listPublicCouncils',
  })
  @ApiPageResponse(PublicCouncilDto)
  list(@Query() q: PageQueryDto): Promise<Page<PublicCouncilDto>> {
    return this.councils.publicNotice(q);
  }
}
