import { Body, Controller, Get, INestApplication, Post, Query } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiOperation, ApiProperty, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from './validators';
import { addValidationLimits, keywordsOf } from './validation-schema';

// The DTOs say nothing about limits to Swagger: whatever limit the document shows came from
// the validators.
class ItemDto {
  @ApiProperty() @IsString() @Length(2, 8) code!: string;
}

class BodyDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(300) text!: string;
  @ApiProperty() @Matches(/^[A-Z]{3}$/) code!: string;
  @ApiProperty() @Matches(/^[a-z]+$/i) caseless!: string;
  @ApiProperty() @IsInt() @Min(1) @Max(9) version!: number;
  @ApiProperty() @IsUUID() ownerId!: string;
  @ApiProperty() @IsCalendarDate() dueOn!: string;
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @ArrayUnique()
  @IsIn(['a', 'b', 'c'], { each: true })
  tags!: string[];
  @ApiProperty({ type: [ItemDto] })
  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items!: ItemDto[];
}

class ListQueryDto {
  @ApiProperty({ required: false })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

@Controller('things')
class ThingsController {
  @Post()
  @ApiOperation({ summary: 'Create', operationId: 'createThing' })
  create(@Body() dto: BodyDto) {
    return dto;
  }

  @Get()
  @ApiOperation({ summary: 'List', operationId: 'listThings' })
  list(@Query() q: ListQueryDto) {
    return q;
  }
}

type Schema = Record<string, unknown>;
const property = (d: OpenAPIObject, schema: string, name: string): Schema =>
  (d.components!.schemas![schema] as { properties: Record<string, Schema> }).properties[name];
const queryParameter = (d: OpenAPIObject, name: string): Schema =>
  (d.paths['/things'].get!.parameters as unknown as { name: string; schema: Schema }[]).find(
    (p) => p.name === name,
  )!.schema;

describe('addValidationLimits', () => {
  let app: INestApplication;
  let sut: OpenAPIObject;
  let plain: OpenAPIObject;

  beforeAll(async () => {
    const module = await Test.createTestingModule({ controllers: [ThingsController] }).compile();
    app = module.createNestApplication({ logger: false });
    await app.init();
    plain = SwaggerModule.createDocument(app, {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
    });
    sut = JSON.parse(JSON.stringify(plain)) as OpenAPIObject;
    addValidationLimits(app, sut);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('knows nothing of the limits without it (the test DTOs declare none to Swagger)', () => {
    expect(property(plain, 'BodyDto', 'text')).toEqual({ type: 'string' });
    expect(queryParameter(plain, 'limit')).toEqual({ type: 'number' });
  });

  it('carries string lengths, with IsNotEmpty as a minimum length of 1', () => {
    expect(property(sut, 'BodyDto', 'text')).toEqual({
      type: 'string',
      minLength: 1,
      maxLength: 300,
    });
  });

  it('carries a pattern, but not one whose flags a JSON Schema pattern cannot express', () => {
    expect(property(sut, 'BodyDto', 'code').pattern).toBe('^[A-Z]{3}$');
    expect(property(sut, 'BodyDto', 'caseless').pattern).toBeUndefined();
  });

  it('makes an IsInt number an integer with its minimum and maximum', () => {
    expect(property(sut, 'BodyDto', 'version')).toEqual({
      type: 'integer',
      minimum: 1,
      maximum: 9,
    });
  });

  it('carries formats: uuid, and date for IsCalendarDate', () => {
    expect(property(sut, 'BodyDto', 'ownerId').format).toBe('uuid');
    expect(property(sut, 'BodyDto', 'dueOn').format).toBe('date');
  });

  it('carries array sizes and uniqueness, and `each` validators to the items', () => {
    expect(property(sut, 'BodyDto', 'tags')).toEqual({
      type: 'array',
      items: { type: 'string', enum: ['a', 'b', 'c'] },
      minItems: 1,
      maxItems: 4,
      uniqueItems: true,
    });
  });

  it('reaches nested DTOs', () => {
    expect(property(sut, 'ItemDto', 'code')).toEqual({
      type: 'string',
      minLength: 2,
      maxLength: 8,
    });
  });

  it('carries the limits of query parameters', () => {
    expect(queryParameter(sut, 'limit')).toEqual({ type: 'integer', minimum: 1, maximum: 200 });
  });

  it('maps each validator it knows, and nothing for those it does not', () => {
    expect(keywordsOf({ name: 'isEmail', constraints: [] })).toEqual({ format: 'email' });
    expect(keywordsOf({ name: 'isTimestamp', constraints: [] })).toEqual({ format: 'date-time' });
    expect(keywordsOf({ name: 'isLength', constraints: [3] })).toEqual({ minLength: 3 });
    expect(keywordsOf({ name: 'isBoolean', constraints: [] })).toBeNull();
  });
});
