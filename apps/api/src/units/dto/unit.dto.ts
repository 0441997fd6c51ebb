import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmptyObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { DEPARTMENTS, UNIT_CODE_PATTERN, UNIT_STATUSES, type Department, type UnitStatus } from '@cgi/shared';
import { LocationDto } from '../../occurrences/dto/create-occurrence.dto';
import { commaList as csv } from '../../common/comma-list';

/** A kind code as the rule set's catalogue spells them (ENGINE, PATROL_CAR); the catalogue itself is checked by the service. */
const KIND = /^[A-Z][A-Z0-9_]{1,39}$/;
/** Callsigns are spoken on the radio: letters, digits, spaces and a few signs ("VUCI 01", "PM 12"). */
const CALLSIGN = /^[\p{L}\p{N}][\p{L}\p{N} .\-/]{0,39}$/u;
/** The departments that own units (the CGI itself has none). */
const UNIT_DEPARTMENTS = DEPARTMENTS.filter((d) => d !== 'CGI');

/** A unit's home base: a place like an occurrence's location (the address from Porto's address points). */
export class UnitBaseDto extends LocationDto {}

export class CreateUnitDto {
  @ApiProperty({ example: 'BSB-VUCI-01', description: 'What AVL gateways and the MQTT topic name the unit by: A-Z, 0-9 and -, 2-32 characters' })
  @IsString()
  @Matches(UNIT_CODE_PATTERN, { message: 'code must be 2-32 capital letters, digits or -, starting with a letter or digit (e.g. BSB-VUCI-01)' })
  code!: string;

  @ApiProperty({ example: 'VUCI 01', maxLength: 40 })
  @IsString()
  @Matches(CALLSIGN, { message: 'callsign must be 1-40 letters, digits, spaces or . - / (e.g. VUCI 01)' })
  callsign!: string;

  @ApiProperty({ enum: UNIT_DEPARTMENTS })
  @IsIn(UNIT_DEPARTMENTS)
  department!: Department;

  @ApiProperty({ example: 'ENGINE', description: "A kind of the rule set's catalogue that the department may own" })
  @IsString()
  @Matches(KIND, { message: 'kind must be a unit kind code such as ENGINE' })
  kind!: string;

  @ApiProperty({ type: UnitBaseDto })
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => UnitBaseDto)
  homeBase!: UnitBaseDto;

  @ApiPropertyOptional({ type: [String], maxItems: 12, description: 'Crew names: shown to the CGI and the department, never to the videowall' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(12)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  crew?: string[];
}

/** A change to a unit: any of what its creation set but its code and department (they name it to AVL and scope it). */
export class UpdateUnitDto extends PartialType(PickType(CreateUnitDto, ['callsign', 'kind', 'homeBase', 'crew'] as const)) {
  @ApiProperty({ description: 'Optimistic lock: the unit version the client last saw' })
  @IsInt()
  @Min(1)
  version!: number;
}

export class AvailabilityDto {
  @ApiPropertyOptional({ description: 'Optimistic lock: the unit version the client last saw' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @ApiProperty({ description: 'true: back in service (AVAILABLE); false: out of service (UNAVAILABLE, with a reason)' })
  @IsBoolean()
  available!: boolean;

  @ApiPropertyOptional({ example: 'Manutenção', maxLength: 200, description: 'Required when available is false' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reason?: string;
}

export class ListUnitsQuery {
  @ApiPropertyOptional({ description: 'Comma-separated departments', example: 'FIRE,POLICE' })
  @IsOptional() @Transform(csv) @IsIn(DEPARTMENTS, { each: true })
  department?: Department[];

  @ApiPropertyOptional({ description: 'Comma-separated statuses', example: 'AVAILABLE,DISPATCHED' })
  @IsOptional() @Transform(csv) @IsIn(UNIT_STATUSES, { each: true })
  status?: UnitStatus[];

  @ApiPropertyOptional({ description: 'Comma-separated kinds', example: 'ENGINE,LADDER' })
  @IsOptional() @Transform(csv) @Matches(KIND, { each: true, message: 'kind must be unit kind codes such as ENGINE' })
  kind?: string[];
}

export class ProposalsQuery {
  @ApiPropertyOptional({ example: 'ENGINE', description: 'Only units of this kind' })
  @IsOptional()
  @Matches(KIND, { message: 'kind must be a unit kind code such as ENGINE' })
  kind?: string;

  @ApiPropertyOptional({ default: 3, minimum: 1, maximum: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  limit?: number;
}

export class AssignUnitsDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 10, description: 'Units to dispatch, all or none' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ArrayUnique({ message: 'unitIds must not repeat a unit' })
  @IsUUID('4', { each: true, message: 'unitIds must be unit ids (UUIDs)' })
  unitIds!: string[];
}

export class ReleaseUnitDto {
  @ApiProperty({ example: 'Regressou à base', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  reason!: string;
}
