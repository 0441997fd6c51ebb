import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { API_KEY_SCOPES, DEPARTMENTS, type ApiKeyScope, type Department } from '@cgi/shared';
import { MIN_PASSWORD_LENGTH, USER_ROLES, type UserRole } from '../auth/users.service';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'Gabinete do Munícipe' })
  @IsString()
  @Length(2, 100)
  clientName!: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(API_KEY_SCOPES.length)
  @ArrayUnique()
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes!: ApiKeyScope[];
}

export class CreateUserDto {
  @ApiProperty({ example: 'ana.silva' })
  @Matches(/^[a-z0-9._-]{3,64}$/, { message: 'username must be 3-64 of a-z 0-9 . _ -' })
  username!: string;

  @ApiProperty({ example: 'Ana Silva' }) @IsString() @Length(1, 200) displayName!: string;

  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH }) @IsString() @Length(MIN_PASSWORD_LENGTH, 200) password!: string;

  @ApiProperty({ enum: USER_ROLES }) @IsIn(USER_ROLES) role!: UserRole;

  @ApiPropertyOptional({ enum: DEPARTMENTS, description: 'Required for DEPARTMENT_AGENT and DEPARTMENT_SUPERVISOR, absent otherwise' })
  @IsOptional()
  @IsIn(DEPARTMENTS)
  department?: Department;
}
