import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { NearbyAssetView } from '@cgi/shared';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { UuidParam } from '../common/uuid-param';
import { AssetsService } from './assets.service';
import { NearbyAssetsQuery } from './dto/asset.dto';

const READERS = ['CGI_OPERATOR', 'CGI_SUPERVISOR', 'ADMIN', 'VIEWER', 'DEPARTMENT_AGENT', 'DEPARTMENT_SUPERVISOR'] as const;

/** The assets around an occurrence (its detail lists them: camera snapshot links first). */
@ApiTags('assets')
@ApiBearerAuth()
@Controller('occurrences')
export class OccurrenceAssetsController {
  constructor(private readonly assets: AssetsService) {}

  @Get(':id/assets')
  @Roles(...READERS)
  @ApiOperation({ summary: "Assets within radius metres (default the rule set's, 300; max 2000): cameras first, then by distance; scoped like the occurrence" })
  async nearby(@UuidParam('id') id: string, @Query() q: NearbyAssetsQuery, @CurrentActor() a: Actor): Promise<{ items: NearbyAssetView[] }> {
    return { items: await this.assets.nearby(id, a, q.radius) };
  }
}
