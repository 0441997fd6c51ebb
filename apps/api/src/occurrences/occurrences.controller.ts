import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { OccurrenceDetail, OccurrenceView, Page, RoutingDecision } from '@cgi/shared';
import type { Actor } from '../auth/actor';
import { CurrentActor, IntegrationScope, Roles } from '../auth/auth.decorators';
import { AddNoteDto, CommandDto, DepartmentCommandDto, MergeDto, OptionalNoteDto, OverrideRoutingDto, ReasonDto, ResolveDto, TriageDto } from './dto/commands.dto';
import { CreateOccurrenceDto } from './dto/create-occurrence.dto';
import { ListOccurrencesQuery } from './dto/list-occurrences.query';
import { DomainException } from '../common/domain.exception';
import { actingDepartment } from './occurrence-access';
import { OccurrenceCommandsService } from './occurrence-commands.service';
import { OccurrenceIntakeService } from './occurrence-intake.service';
import { OccurrenceQueriesService } from './occurrence-queries.service';
import { UuidParam } from '../common/uuid-param';

const CGI = ['CGI_OPERATOR', 'CGI_SUPERVISOR'] as const;
const DEPARTMENT_OR_CGI = ['CGI_OPERATOR', 'CGI_SUPERVISOR', 'DEPARTMENT_AGENT', 'DEPARTMENT_SUPERVISOR'] as const;
/** An Idempotency-Key header's value (ADR 0014). */
const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;
const Id = (): ParameterDecorator => UuidParam('id');

@ApiTags('occurrences')
@ApiBearerAuth()
@Controller('occurrences')
export class OccurrencesController {
  constructor(
    private readonly intakeService: OccurrenceIntakeService,
    private readonly commands: OccurrenceCommandsService,
    private readonly queries: OccurrenceQueriesService,
  ) {}

  @Post()
  @Roles(...CGI)
  @IntegrationScope('occurrences:create')
  @ApiOperation({ summary: 'Intake (operators, and integration clients with source CITIZEN or SENSOR): routes by the rules in force' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A key the client keeps for one report across retries (1-255 visible ASCII characters): a report whose key this client sent before is not stored again; the answer is the occurrence stored then, with Idempotent-Replayed: true',
  })
  async intake(
    @Body() dto: CreateOccurrenceDto,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OccurrenceDetail> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new DomainException('VALIDATION_FAILED', 'Invalid Idempotency-Key header', [
        { field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
      ]);
    }
    const result = await this.intakeService.intake(dto, actor, { idempotencyKey });
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return result.detail;
  }

  @Post('routing-preview')
  @HttpCode(200)
  @Roles(...CGI)
  @ApiOperation({ summary: 'The routing decision an intake would get, without storing anything' })
  preview(@Body() dto: CreateOccurrenceDto): Promise<RoutingDecision> {
    return this.intakeService.preview(dto);
  }

  @Get()
  @ApiOperation({ summary: 'Occurrences, newest first, filtered; department roles see only their department' })
  list(@Query() q: ListOccurrencesQuery, @CurrentActor() actor: Actor): Promise<Page<OccurrenceView>> {
    return this.queries.list(q, actor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One occurrence with its routing decision and timeline' })
  get(@Id() id: string, @CurrentActor() actor: Actor): Promise<OccurrenceDetail> {
    return this.queries.detail(id, actor);
  }

  @Get(':id/reporter')
  @Roles(...CGI)
  @ApiOperation({ summary: 'Reporter contact data (personal data: CGI roles only)' })
  reporter(@Id() id: string, @CurrentActor() a: Actor): Promise<{ name: string | null; phone: string | null; email: string | null } | null> {
    return this.queries.reporter(id, a);
  }

  @Post(':id/triage')
  @HttpCode(200)
  @Roles(...CGI)
  async triage(@Id() id: string, @Body() dto: TriageDto, @CurrentActor() a: Actor): Promise<OccurrenceDetail> {
    await this.commands.triage(id, a, dto);
    return this.queries.detail(id, a);
  }

  @Post(':id/dispatch')
  @HttpCode(200)
  @Roles(...CGI)
  async dispatch(@Id() id: string, @Body() dto: CommandDto, @CurrentActor() a: Actor): Promise<OccurrenceDetail> {
    await this.commands.dispatch(id, a, dto.version);
    return this.queries.detail(id, a);
  }

  @Post(':id/routing-override')
  @HttpCode(200)
  @Roles(...CGI)
  @ApiOperation({ summary: "Override lead, support and priority with a reason; the rules' decision is kept beside it" })
  async override(@Id() id: string, @Body() dto: OverrideRoutingDto, @CurrentActor() a: Actor): Promise<OccurrenceDetail> {
    await this.commands.overrideRouting(id, a, dto);
    return this.queries.detail(id, a);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles(...DEPARTMENT_OR_CGI)
  async acknowledge(@Id() id: string, @Body() dto: DepartmentCommandDto, @CurrentActor() a: Actor): Promise<OccurrenceDetail> {
    await this.commands.acknowledge(id, a, actingDepartment(a, dto.department), dto.version);
    return this.queries.detail(id, a);
  }

  @Post(':id/on-scene')
  @HttpCode(200)
  @Roles(...DEPARTMENT_OR_CGI)
  async onScene(@Id() id: string, @Body() dto: DepartmentCommandDto, @CurrentActor() a: Actor): Promise<OccurrenceDetail> {
    await this.commands.onScene(id, a, actingDepartment(a, dto.department), dto.version);
    return this.queries.detail(id, a);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Roles(...DEPARTMENT_OR_CGI)
  async resolve(@Id() id: string, @Body() dto: ResolveDto, @CurrentActor() a: Actor): Promise<OccurrenceDetail> {
    await this.commands.resolve(id, a, actingDepartment(a, dto.department), dto.note, dto.publicNote, dto.version);
    return this.queries.detail(id, a);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles(...CGI)
  async close(@Id() id: string, @Body() dto: OptionalNoteDto, @CurrentActor() a: Actor): Promise<OccurrenceDetail> {
    await this.commands.close(id, a, dto.note, dto.version);
    return this.queries.detail(id, a);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles(...CGI)
  async cancel(@Id() id: string, @Body() dto: ReasonDto, @CurrentActor() a: Actor): Promise<OccurrenceDetail> {
    await this.commands.cancel(id, a, dto.reason, dto.version);
    return this.queries.detail(id, a);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @Roles(...CGI)
  async reopen(@Id() id: string, @Body() dto: ReasonDto, @CurrentActor() a: Actor): Promise<OccurrenceDetail> {
    await this.commands.reopen(id, a, dto.reason, dto.version);
    return this.queries.detail(id, a);
  }

  @Post(':id/merge')
  @HttpCode(200)
  @Roles(...CGI)
  async merge(@Id() id: string, @Body() dto: MergeDto, @CurrentActor() a: Actor): Promise<OccurrenceDetail> {
    await this.commands.merge(id, a, dto);
    return this.queries.detail(id, a);
  }

  @Post(':id/unmerge')
  @HttpCode(200)
  @Roles(...CGI)
  async unmerge(@Id() id: string, @Body() dto: OptionalNoteDto, @CurrentActor() a: Actor): Promise<OccurrenceDetail> {
    await this.commands.unmerge(id, a, dto.note, dto.version);
    return this.queries.detail(id, a);
  }

  @Post(':id/notes')
  @HttpCode(201)
  @Roles(...DEPARTMENT_OR_CGI)
  async addNote(@Id() id: string, @Body() dto: AddNoteDto, @CurrentActor() a: Actor): Promise<OccurrenceDetail> {
    await this.commands.addNote(id, a, dto.text, dto.visibility ?? 'INTERNAL');
    return this.queries.detail(id, a);
  }
}
