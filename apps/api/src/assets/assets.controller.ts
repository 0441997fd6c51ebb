import { Body, Controller, Get, Headers, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AssetDetail, AssetImportResult, AssetView, Page } from '@cgi/shared';
import type { Actor } from '../auth/actor';
import { CurrentActor, IntegrationScope, Roles } from '../auth/auth.decorators';
import { DomainException } from '../common/domain.exception';
import { UuidParam } from '../common/uuid-param';
import { AssetImportService, type AssetImportFormat } from './asset-import.service';
import { AssetStatusService } from './asset-status.service';
import { AssetsService } from './assets.service';
import { AssetStatusDto, CreateAssetDto, ImportAssetsQuery, ListAssetsQuery, UpdateAssetDto } from './dto/asset.dto';

const Id = (): ParameterDecorator => UuidParam('id');
/** Every logged-in role reads the registry: the map layers of every console, the videowall, the departments. */
const READERS = ['CGI_OPERATOR', 'CGI_SUPERVISOR', 'ADMIN', 'VIEWER', 'DEPARTMENT_AGENT', 'DEPARTMENT_SUPERVISOR'] as const;
/** Who reports an asset's status by hand (integration clients: the scope assets:status). */
const STATUS_REPORTERS = ['ADMIN', 'CGI_OPERATOR', 'CGI_SUPERVISOR'] as const;

@ApiTags('assets')
@ApiBearerAuth()
@Controller('assets')
export class AssetsController {
  constructor(
    private readonly assets: AssetsService,
    private readonly status: AssetStatusService,
    private readonly imports: AssetImportService,
  ) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'The registry (all of it, ~350 assets), optionally filtered by kind, layer, status, department' })
  async list(@Query() q: ListAssetsQuery): Promise<Page<AssetView>> {
    return { items: await this.assets.list(q), nextCursor: null };
  }

  @Post('import')
  @HttpCode(200)
  @Roles('ADMIN')
  @ApiConsumes('application/geo+json', 'application/json', 'text/csv')
  @ApiBody({ description: 'A GeoJSON FeatureCollection of Points, or CSV with a header (code,kind,name,department,lat,lon,address,snapshot_url,stream_url,direction_deg,synthetic)' })
  @ApiOperation({ summary: 'Upserts by code, all or nothing: 400 naming every bad rows[N].field; dryRun=true validates and counts only' })
  importFile(@Body() body: unknown, @Headers('content-type') type: string | undefined, @Query() q: ImportAssetsQuery, @CurrentActor() a: Actor): Promise<AssetImportResult> {
    return this.imports.import(importFormat(type), body, a, q.dryRun ?? false);
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One asset with its status history (latest first) and its occurrences (open first)' })
  get(@Id() id: string): Promise<AssetDetail> {
    return this.assets.detail(id);
  }

  @Post()
  @Roles('ADMIN')
  @ApiOperation({ summary: 'Adds an asset (status OK); audited' })
  create(@Body() dto: CreateAssetDto, @CurrentActor() a: Actor): Promise<AssetView> {
    return this.assets.create(dto, a);
  }

  @Patch(':id')
  @Roles('ADMIN')
  @ApiOperation({ summary: 'Changes name, department, location or camera fields (optimistic lock: version); audited' })
  update(@Id() id: string, @Body() dto: UpdateAssetDto, @CurrentActor() a: Actor): Promise<AssetView> {
    return this.assets.update(id, dto, a);
  }

  @Post(':id/status')
  @HttpCode(200)
  @Roles(...STATUS_REPORTERS)
  @IntegrationScope('assets:status')
  @ApiOperation({ summary: 'Reports a status: FAULT/OFFLINE opens (or is linked to) the fault occurrence; OK proposes its resolution; older observations are ignored' })
  async report(@Id() id: string, @Body() dto: AssetStatusDto, @CurrentActor() a: Actor): Promise<AssetView> {
    const result = await this.status.reportStatusOf(id, {
      status: dto.status, reason: dto.reason ?? null, observedAt: dto.observedAt ? new Date(dto.observedAt) : new Date(),
      source: a.role === 'INTEGRATION' ? 'SENSOR' : 'OPERATOR', actor: a,
    });
    return result.asset;
  }
}

/** The import's format from its Content-Type. */
function importFormat(type: string | undefined): AssetImportFormat {
  const t = (type ?? '').split(';')[0].trim().toLowerCase();
  if (t === 'text/csv') return 'csv';
  if (t === 'application/geo+json' || t === 'application/json') return 'geojson';
  throw new DomainException('UNSUPPORTED_MEDIA_TYPE', 'An import is application/geo+json, application/json or text/csv');
}
