import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmptyObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ASSET_CODE_PATTERN, ASSET_KINDS, ASSET_LAYERS, ASSET_STATUSES, DEPARTMENTS, type AssetKind, type AssetLayer, type AssetStatus, type Department } from '@cgi/shared';
import { NEARBY_RADIUS_MAX_METERS } from '@cgi/domain';
import { LocationDto } from '../../occurrences/dto/create-occurrence.dto';
import { commaList as csv } from '../../common/comma-list';


/** Camera-only fields (a still image, a live stream, the viewing direction). */
export class CameraDto {
  @ApiPropertyOptional({ example: 'https://cameras.example/porto/cam-001.jpg', nullable: true })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'camera.snapshotUrl must be an http(s) URL' })
  snapshotUrl?: string | null;

  @ApiPropertyOptional({ example: 'rtsp://cameras.example/porto/cam-001', nullable: true })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https', 'rtsp'], require_protocol: true, require_tld: false }, { message: 'camera.streamUrl must be an http(s) or rtsp URL' })
  streamUrl?: string | null;

  @ApiPropertyOptional({ minimum: 0, maximum: 359, nullable: true, description: 'Degrees clockwise from north; null for a dome camera' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(359)
  directionDeg?: number | null;
}

export class CreateAssetDto {
  @ApiProperty({ example: 'SEM-0001', description: 'What imports, the Urban Platform and people name it by: A-Z, 0-9 and -, 2-40 characters' })
  @IsString()
  @Matches(ASSET_CODE_PATTERN, { message: 'code must be 2-40 capital letters, digits or -, starting with a letter or digit (e.g. SEM-0001)' })
  code!: string;

  @ApiProperty({ enum: ASSET_KINDS })
  @IsIn(ASSET_KINDS)
  kind!: AssetKind;

  @ApiProperty({ example: 'Semáforo Av. da Boavista / R. de Cervantes', maxLength: 120 })
  @IsString()
  @Length(1, 120)
  name!: string;

  @ApiProperty({ enum: DEPARTMENTS, description: 'The department responsible for it (faults are routed by the rule set)' })
  @IsIn(DEPARTMENTS)
  department!: Department;

  @ApiProperty({ type: LocationDto })
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => LocationDto)
  location!: LocationDto;

  @ApiPropertyOptional({ type: CameraDto, description: 'Cameras only' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CameraDto)
  camera?: CameraDto;

  @ApiPropertyOptional({ default: false, description: 'Synthetic demo data (not real equipment)' })
  @IsOptional()
  @IsBoolean()
  synthetic?: boolean;
}

/** A change to an asset: name, department, location or camera fields (its code and kind name it). */
export class UpdateAssetDto extends PartialType(PickType(CreateAssetDto, ['name', 'department', 'location', 'camera'] as const)) {
  @ApiProperty({ description: 'Optimistic lock: the asset version the client last saw' })
  @IsInt()
  @Min(1)
  version!: number;
}

export class AssetStatusDto {
  @ApiProperty({ enum: ASSET_STATUSES })
  @IsIn(ASSET_STATUSES)
  status!: AssetStatus;

  @ApiPropertyOptional({ example: 'Lâmpada vermelha fundida', maxLength: 200 })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Length(1, 200)
  reason?: string | null;

  @ApiPropertyOptional({ example: '2026-12-04T08:15:00Z', description: 'When it was observed (default: now); an observation not newer than the last one is ignored' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'observedAt must be an ISO 8601 date-time' })
  observedAt?: string;
}

export class ListAssetsQuery {
  @ApiPropertyOptional({ description: 'Comma-separated kinds', example: 'CAMERA,TRAFFIC_LIGHT' })
  @IsOptional() @Transform(csv) @IsIn(ASSET_KINDS, { each: true })
  kind?: AssetKind[];

  @ApiPropertyOptional({ description: 'Comma-separated map layers', example: 'SENSOR' })
  @IsOptional() @Transform(csv) @IsIn(ASSET_LAYERS, { each: true })
  layer?: AssetLayer[];

  @ApiPropertyOptional({ description: 'Comma-separated statuses', example: 'FAULT,OFFLINE' })
  @IsOptional() @Transform(csv) @IsIn(ASSET_STATUSES, { each: true })
  status?: AssetStatus[];

  @ApiPropertyOptional({ description: 'Comma-separated departments', example: 'MOBILITY' })
  @IsOptional() @Transform(csv) @IsIn(DEPARTMENTS, { each: true })
  department?: Department[];
}

export class NearbyAssetsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: NEARBY_RADIUS_MAX_METERS, description: "Metres around the occurrence (default: the rule set's nearbyRadiusMeters, 300)" })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(NEARBY_RADIUS_MAX_METERS)
  radius?: number;
}

export class ImportAssetsQuery {
  @ApiPropertyOptional({ description: 'true: validate and count, store nothing' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value))
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun?: boolean;
}
