import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/** For the TypeORM CLI only (`npm run migration:*`, which provides DATABASE_URL). */
if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is not set: run the migration scripts through npm');
export default new DataSource(dataSourceOptions(process.env.DATABASE_URL));
