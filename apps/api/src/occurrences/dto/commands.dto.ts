import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Min, ValidateNested } from 'class-validator';
import { DEPARTMENTS, PRIORITIES, type Department, type Priority } from '@cgi/shared';
import { FlagsDto } from './create-occurrence.dto';

/** Every command may carry the version the client saw; a stale one answers 409. */
export class CommandDto {
  @ApiPropertyOptional({ description: 'Optimistic lock: the occurrence version the client last saw' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class TriageDto extends CommandDto {
  @ApiPropertyOptional({ example: 'FLOODING' })
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{1,39}$/, { message: 'category must be a category code such as FALLEN_TREE' })
  category?: string;

  @ApiPropertyOptional({ type: FlagsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FlagsDto)
  flags?: FlagsDto;
}

export class DepartmentCommandDto extends CommandDto {
  @ApiPropertyOptional({ enum: DEPARTMENTS, description: 'Required for CGI roles acting for a department; agents act for their own' })
  @IsOptional()
  @IsIn(DEPARTMENTS)
  department?: Department;
}

export class OverrideRoutingDto extends CommandDto {
  @ApiProperty({ enum: DEPARTMENTS }) @IsIn(DEPARTMENTS) lead!: Department;

  @ApiProperty({ enum: DEPARTMENTS, isArray: true })
  @IsArray()
  @ArrayMaxSize(6)
  @ArrayUnique()
  @IsIn(DEPARTMENTS, { each: true })
  support!: Department[];

  @ApiProperty({ enum: PRIORITIES }) @IsIn(PRIORITIES) priority!: Priority;

  @ApiProperty({ minLength: 3, maxLength: 1000 }) @IsString() @Length(3, 1000) reason!: string;
}

export class ResolveDto extends DepartmentCommandDto {
  @ApiProperty({ minLength: 1, maxLength: 4000, description: 'Internal resolution note' })
  @IsString()
  @Length(1, 4000)
  note!: string;

  @ApiPropertyOptional({ maxLength: 4000, description: 'Note shown to the citizen' })
  @IsOptional()
  @IsString()
  @Length(1, 4000)
  publicNote?: string;
}

export class ReasonDto extends CommandDto {
  @ApiProperty({ minLength: 3, maxLength: 1000 }) @IsString() @Length(3, 1000) reason!: string;
}

export class OptionalNoteDto extends CommandDto {
  @ApiPropertyOptional({ maxLength: 4000 }) @IsOptional() @IsString() @Length(1, 4000) note?: string;
}

export class MergeDto extends CommandDto {
  @ApiProperty({ description: 'The occurrence this one duplicates' }) @IsUUID() parentId!: string;
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @Length(1, 1000) reason?: string;
}

export class AddNoteDto {
  @ApiProperty({ minLength: 1, maxLength: 4000 }) @IsString() @Length(1, 4000) text!: string;

  @ApiPropertyOptional({ enum: ['INTERNAL', 'PUBLIC'], default: 'INTERNAL', description: 'PUBLIC notes reach the citizen' })
  @IsOptional()
  @IsIn(['INTERNAL', 'PUBLIC'])
  visibility?: 'INTERNAL' | 'PUBLIC';
}
