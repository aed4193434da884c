import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto, Role, ROLES, IsNonBlank } from '@throughline/service-kit';

export class CreateOrganisationDto {
  @ApiProperty({ example: 'Acme Devices' })
  @IsNonBlank(200)
  name: string;
}

export class OrganisationView {
  @ApiProperty({
    format: 'uuid',
    example: '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e',
    description: "The id is the admin token's org claim",
  })
  id: string;
  @ApiProperty({ example: 'Acme Devices' }) name: string;
  @ApiProperty({ example: '2026-01-02T08:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: 1 }) version: number;
}

export class CreateOrgUnitDto {
  @ApiProperty({ example: 'Product engineering' })
  @IsNonBlank(200)
  name: string;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d',
    nullable: true,
    description: 'The unit above this one; omit or null for a top-level unit',
  })
  @IsOptional()
  @IsUUID()
  parentOrgUnitId?: string | null;
}

export class UpdateOrgUnitDto {
  @ApiPropertyOptional({ example: 'Product & engineering' })
  @IsOptional()
  @IsNonBlank(200)
  name?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d',
    nullable: true,
    description: 'Move the unit; null makes it top-level. No cycles.',
  })
  @IsOptional()
  @IsUUID()
  parentOrgUnitId?: string | null;
}

export class OrgUnitListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    example: '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d',
    description: 'Only the direct children of this unit',
  })
  @IsOptional()
  @IsUUID()
  parentOrgUnitId?: string;
}

export class OrgUnitView {
  @ApiProperty({ format: 'uuid', example: '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e' }) id: string;
  @ApiProperty({ example: 'Product engineering' }) name: string;
  @ApiProperty({ format: 'uuid', example: '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d', nullable: true }) parentOrgUnitId:
    string | null;
  @ApiProperty({ example: 1 }) version: number;
}

export class CreatePersonDto {
  @ApiPropertyOptional({
    format: 'uuid',
    example: '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e',
    description: "Optional: the person's id in your identity provider (the sub of their token); generated when omitted",
  })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiProperty({ example: 'Mia Manager' })
  @IsNonBlank(200)
  name: string;

  @ApiProperty({ example: 'mia@example.com' })
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty({ enum: ROLES, example: 'manager' })
  @IsIn(ROLES)
  role: Role;

  @ApiPropertyOptional({ format: 'uuid', example: '0f4b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d', nullable: true })
  @IsOptional()
  @IsUUID()
  orgUnitId?: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    nullable: true,
    description: 'Whom this person reports to. No cycles.',
  })
  @IsOptional()
  @IsUUID()
  reportsToId?: string | null;
}

export class UpdatePersonDto {
  @ApiPropertyOptional({ example: 'Mia Manager-Smith' })
  @IsOptional()
  @IsNonBlank(200)
  name?: string;

  @ApiPropertyOptional({ example: 'mia.smith@example.com' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ enum: ROLES, example: 'director' })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '0f4b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
    nullable: true,
    description: 'null: no org unit',
  })
  @IsOptional()
  @IsUUID()
  orgUnitId?: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    nullable: true,
    description: 'null: reports to no one (the top of the organisation)',
  })
  @IsOptional()
  @IsUUID()
  reportsToId?: string | null;

  @ApiPropertyOptional({
    example: false,
    description: 'false when the person leaves; they can no longer own goals or deliverables',
  })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class PersonListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ROLES, example: 'director' })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ format: 'uuid', example: '0f4b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d' })
  @IsOptional()
  @IsUUID()
  orgUnitId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    description: 'Only the direct reports of this person',
  })
  @IsOptional()
  @IsUUID()
  reportsToId?: string;

  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;
}

export class PersonView {
  @ApiProperty({ format: 'uuid', example: '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e' }) id: string;
  @ApiProperty({ example: 'Mia Manager' }) name: string;
  @ApiProperty({ example: 'mia@example.com' }) email: string;
  @ApiProperty({ enum: ROLES, example: 'manager' }) role: Role;
  @ApiProperty({ format: 'uuid', example: '0f4b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d', nullable: true }) orgUnitId:
    string | null;
  @ApiProperty({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', nullable: true }) reportsToId:
    string | null;
  @ApiProperty({ example: true }) active: boolean;
  @ApiProperty({ example: 1 }) version: number;
}

export class NamedRefView {
  @ApiProperty({ format: 'uuid', example: '0f4b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d' }) id: string;
  @ApiProperty({ example: 'Acme Devices' }) name: string;
}

export class PersonMeView {
  @ApiProperty({ type: PersonView }) person: PersonView;
  @ApiProperty({ type: NamedRefView }) organisation: NamedRefView;
  @ApiProperty({ type: NamedRefView, nullable: true }) orgUnit: NamedRefView | null;
}
