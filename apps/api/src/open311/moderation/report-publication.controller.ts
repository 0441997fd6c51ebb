import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ReportPublication } from '@cgi/shared';
import type { Actor } from '../../auth/actor';
import { CurrentActor, Roles } from '../../auth/auth.decorators';
import { ReportPublicationDto } from './report-publication.dto';
import { ReportPublicationService } from './report-publication.service';

const Id = (): ParameterDecorator => Param('id', new ParseUUIDPipe({ version: '4' }));

/** /api/v1/occurrences/{id}/publication: the CGI decides whether Open311 shows a report's own words. */
@ApiTags('occurrences')
@ApiBearerAuth()
@Controller('occurrences')
export class ReportPublicationController {
  constructor(private readonly publication: ReportPublicationService) {}

  @Get(':id/publication')
  @Roles('CGI_OPERATOR', 'CGI_SUPERVISOR')
  @ApiOperation({ summary: "Whether Open311 shows the public this report's description, photo and exact location (ADR 0020)" })
  get(@Id() id: string): Promise<ReportPublication> {
    return this.publication.get(id);
  }

  @Post(':id/publication')
  @HttpCode(200)
  @Roles('CGI_OPERATOR', 'CGI_SUPERVISOR')
  @ApiOperation({ summary: "Make a citizen report's description, photo and exact location public on Open311, or withdraw them (audited)" })
  set(@Id() id: string, @Body() dto: ReportPublicationDto, @CurrentActor() actor: Actor): Promise<ReportPublication> {
    return this.publication.set(id, dto.descriptionPublic, actor);
  }
}
