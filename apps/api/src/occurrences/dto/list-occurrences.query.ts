import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DEPARTMENTS, OCCURRENCE_STATUSES, PRIORITIES, type Department, type OccurrenceStatus, type Priority } from '@cgi/shared';
import { commaList as csv } from '../../common/comma-list';

const NUMBER = '-?\\d+(\\.\\d+)?';

export class ListOccurrencesQuery {
  @ApiPropertyOptional({ description: 'Comma-separated statuses', example: 'DISPATCHED,ACKNOWLEDGED' })
  @IsOptional() @Transform(csv) @IsIn(OCCURRENCE_STATUSES, { each: true })
  status?: OccurrenceStatus[];

  @ApiPropertyOptional({ description: 'Comma-separated departments with an active assignment' })
  @IsOptional() @Transform(csv) @IsIn(DEPARTMENTS, { each: true })
  department?: Department[];

  @ApiPropertyOptional({ example: 'P1,P2' })
  @IsOptional() @Transform(csv) @IsIn(PRIORITIES, { each: true })
  priority?: Priority[];

  @ApiPropertyOptional({ example: 'FLOODING,FALLEN_TREE' })
  @IsOptional() @Transform(csv) @Matches(/^[A-Z][A-Z0-9_]{1,39}$/, { each: true })
  category?: string[];

  @ApiPropertyOptional({ description: 'Parish INE code', example: '131203' })
  @IsOptional() @Matches(/^\d{6}$/)
  parish?: string;

  @ApiPropertyOptional({ description: 'minLon,minLat,maxLon,maxLat', example: '-8.62,41.14,-8.58,41.16' })
  @IsOptional() @Matches(new RegExp(`^${NUMBER},${NUMBER},${NUMBER},${NUMBER}$`), { message: 'bbox must be minLon,minLat,maxLon,maxLat' })
  bbox?: string;

  @ApiPropertyOptional({ description: 'lat,lon centre of a radius search', example: '41.1496,-8.6061' })
  @IsOptional() @Matches(new RegExp(`^${NUMBER},${NUMBER}$`), { message: 'near must be lat,lon' })
  near?: string;

  @ApiPropertyOptional({ description: 'Radius in metres around `near`', example: 500 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(50000)
  radius?: number;

  @ApiPropertyOptional({ description: 'Text search in reference, address and description' })
  @IsOptional() @IsString() @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'Created at or after (ISO 8601)' })
  @IsOptional() @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Created before (ISO 8601)' })
  @IsOptional() @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page' })
  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;
}
