import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { UnitDetail, UnitView } from '@cgi/shared';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { UuidParam } from '../common/uuid-param';
import { AvailabilityDto, CreateUnitDto, ListUnitsQuery, UpdateUnitDto } from './dto/unit.dto';
import { UnitsService } from './units.service';

const Id = (): ParameterDecorator => UuidParam('id');
/** Who sees units: the CGI, the videowall, department roles (their own department's). */
const READERS = ['CGI_OPERATOR', 'CGI_SUPERVISOR', 'ADMIN', 'VIEWER', 'DEPARTMENT_AGENT', 'DEPARTMENT_SUPERVISOR'] as const;
/** Who manages units: ADMIN, and department supervisors for their own department (checked by the service). */
const MANAGERS = ['ADMIN', 'DEPARTMENT_SUPERVISOR'] as const;
/** Who puts a unit in or out of service. */
const AVAILABILITY = ['CGI_OPERATOR', 'CGI_SUPERVISOR', 'ADMIN', 'DEPARTMENT_AGENT', 'DEPARTMENT_SUPERVISOR'] as const;

@ApiTags('units')
@ApiBearerAuth()
@Controller('units')
export class UnitsController {
  constructor(private readonly units: UnitsService) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Units of the fleet (not retired), filtered; department roles see only their department; crew never for VIEWER' })
  list(@Query() q: ListUnitsQuery, @CurrentActor() a: Actor): Promise<UnitView[]> {
    return this.units.list(q, a);
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One unit with its recent assignments (newest first, at most 20)' })
  get(@Id() id: string, @CurrentActor() a: Actor): Promise<UnitDetail> {
    return this.units.detail(id, a);
  }

  @Post()
  @Roles(...MANAGERS)
  @ApiOperation({ summary: "Adds a unit (ADMIN; a department supervisor for their own department); kind from the rule set's catalogue" })
  create(@Body() dto: CreateUnitDto, @CurrentActor() a: Actor): Promise<UnitView> {
    return this.units.create(dto, a);
  }

  @Patch(':id')
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Changes callsign, kind, home base or crew (optimistic lock: version)' })
  update(@Id() id: string, @Body() dto: UpdateUnitDto, @CurrentActor() a: Actor): Promise<UnitView> {
    return this.units.update(id, dto, a);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Retires a unit (only when it is not on an occurrence); its history stays' })
  async retire(@Id() id: string, @CurrentActor() a: Actor): Promise<void> {
    await this.units.retire(id, a);
  }

  @Post(':id/availability')
  @HttpCode(200)
  @Roles(...AVAILABILITY)
  @ApiOperation({ summary: 'Out of service (available: false, with a reason) or back in service; event UNIT_STATUS_CHANGED' })
  availability(@Id() id: string, @Body() dto: AvailabilityDto, @CurrentActor() a: Actor): Promise<UnitView> {
    return this.units.setAvailability(id, dto, a);
  }
}
