import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { dataSourceOptions } from './src/database/data-source-options';

/** The store as the TypeORM CLI sees it (`npm run migration:generate -- src/migrations/Name`). */
export default new DataSource(dataSourceOptions(loadConfig(process.env).database));
