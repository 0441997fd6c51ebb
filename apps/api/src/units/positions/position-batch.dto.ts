import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsISO8601, IsOptional } from 'class-validator';

export const MAX_POSITIONS_PER_BATCH = 500;

/** The items are checked one by one by `checkPosition` (@cgi/domain), each error naming `positions[i].field`. */
export class PositionBatchDto {
  @ApiProperty({
    description: `1 to ${MAX_POSITIONS_PER_BATCH} fixes: {unit (unit code), lat, lon, at (ISO 8601 with offset), speedKmh?, headingDeg?}`,
    type: 'array',
    items: {
      type: 'object',
      required: ['unit', 'lat', 'lon', 'at'],
      properties: {
        unit: { type: 'string', example: 'BSB-VUCI-01' },
        lat: { type: 'number', example: 41.1496 },
        lon: { type: 'number', example: -8.6063 },
        at: { type: 'string', format: 'date-time' },
        speedKmh: { type: 'number', nullable: true },
        headingDeg: { type: 'number', nullable: true },
      },
    },
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_POSITIONS_PER_BATCH)
  positions!: unknown[];
}

export class TrailQuery {
  @ApiPropertyOptional({ description: 'Start of the window (ISO 8601); default: `to` minus 2 hours' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'End of the window (ISO 8601); default: now. At most 24 hours after `from`.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
