import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PositionBatchResult, UnitTrail } from '@cgi/shared';
import type { Actor } from '../../auth/actor';
import { CurrentActor, IntegrationScope, Roles } from '../../auth/auth.decorators';
import { UuidParam } from '../../common/uuid-param';
import { PositionBatchDto, TrailQuery } from './position-batch.dto';
import { UnitPositionsService } from './unit-positions.service';

@ApiTags('units')
@ApiBearerAuth()
@Controller('units')
export class UnitPositionsController {
  constructor(private readonly positions: UnitPositionsService) {}

  @Post('positions')
  @HttpCode(200)
  @Roles('ADMIN')
  @IntegrationScope('units:positions')
  @ApiOperation({
    summary: 'AVL: a batch of up to 500 unit positions. Refused whole (400, nothing stored) when any item is bad; duplicates and out-of-order fixes are ignored',
  })
  submit(@Body() dto: PositionBatchDto): Promise<PositionBatchResult> {
    return this.positions.submitBatch(dto.positions);
  }

  @Get(':id/trail')
  @Roles('CGI_OPERATOR', 'CGI_SUPERVISOR', 'ADMIN', 'VIEWER', 'DEPARTMENT_AGENT', 'DEPARTMENT_SUPERVISOR')
  @ApiOperation({ summary: "A unit's positions in a window (default the last 2 hours, at most 24 hours, at most 5000 points), oldest first" })
  trail(@UuidParam('id') id: string, @Query() query: TrailQuery, @CurrentActor() actor: Actor): Promise<UnitTrail> {
    return this.positions.trail(id, query, actor);
  }
}
