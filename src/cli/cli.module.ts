import { DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule } from '../config/app-config.module';
import { RuntimeConfig } from '../config/app-config';
import { DatabaseModule } from '../database/database.module';
import { UsersModule } from '../users/users.module';

@Module({})
export class CliModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [AppConfigModule.forRoot(config), DatabaseModule, UsersModule],
    };
  }
}
