import 'reflect-metadata';
import { serviceMain } from '@throughline/service-kit';
import { executionService } from './execution-service.definition';

serviceMain(executionService);
