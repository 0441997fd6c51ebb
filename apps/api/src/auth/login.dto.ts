import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'operador' })
  @IsString()
  @Length(1, 100)
  username!: string;

  @ApiProperty()
  @IsString()
  @Length(1, 200)
  password!: string;
}

export class RefreshTokenDto {
  @ApiProperty({ description: 'The refresh token of the last login or refresh' })
  @IsString()
  @Length(20, 200)
  refreshToken!: string;
}
