import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { UnitAssignmentView, UnitProposal } from '@cgi/shared';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { UuidParam } from '../common/uuid-param';
import { AssignUnitsDto, ProposalsQuery, ReleaseUnitDto } from './dto/unit.dto';
import { UnitDispatchService } from './unit-dispatch.service';

const DEPARTMENT_OR_CGI = ['CGI_OPERATOR', 'CGI_SUPERVISOR', 'DEPARTMENT_AGENT', 'DEPARTMENT_SUPERVISOR'] as const;
const Id = (): ParameterDecorator => UuidParam('id');
const AssignmentId = (): ParameterDecorator => UuidParam('assignmentId');

/** Units on an occurrence: proposals, assignment, on-scene confirmation, release (CGI operators and the departments on it). */
@ApiTags('units')
@ApiBearerAuth()
@Roles(...DEPARTMENT_OR_CGI)
@Controller('occurrences')
export class OccurrenceUnitsController {
  constructor(private readonly dispatch: UnitDispatchService) {}

  @Get(':id/unit-proposals')
  @ApiOperation({ summary: "The nearest available units of the occurrence's departments you may see, with straight-line distance and ETA" })
  proposals(@Id() id: string, @Query() q: ProposalsQuery, @CurrentActor() a: Actor): Promise<UnitProposal[]> {
    return this.dispatch.proposals(id, a, q);
  }

  @Post(':id/units')
  @HttpCode(201)
  @ApiOperation({ summary: 'Sends units (all or none): each DISPATCHED, with distance and ETA at dispatch; UNIT_DISPATCHED each' })
  assign(@Id() id: string, @Body() dto: AssignUnitsDto, @CurrentActor() a: Actor): Promise<UnitAssignmentView[]> {
    return this.dispatch.assign(id, a, dto);
  }

  @Post(':id/units/:assignmentId/on-scene')
  @HttpCode(200)
  @ApiOperation({ summary: "Confirms the unit on scene (time from the geofence's proposal when there is one); its department goes on scene too" })
  onScene(@Id() id: string, @AssignmentId() assignmentId: string, @CurrentActor() a: Actor): Promise<UnitAssignmentView> {
    return this.dispatch.confirmOnScene(id, assignmentId, a);
  }

  @Post(':id/units/:assignmentId/release')
  @HttpCode(200)
  @ApiOperation({ summary: 'Releases the unit from the occurrence (back to AVAILABLE) with a reason; UNIT_RELEASED' })
  release(@Id() id: string, @AssignmentId() assignmentId: string, @Body() dto: ReleaseUnitDto, @CurrentActor() a: Actor): Promise<UnitAssignmentView> {
    return this.dispatch.release(id, assignmentId, a, dto.reason);
  }
}
