import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { prepareDatabase } from './prepare-database';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => dataSourceOptions(config.database),
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        const config = options as { type: string; database?: string; schema?: string; url?: string };
        await prepareDatabase(
          dataSource,
          config.type === 'sqlite'
            ? { type: 'sqlite', path: String(config.database) }
            : { type: 'postgres', url: String(config.url), schema: config.schema },
        );
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
