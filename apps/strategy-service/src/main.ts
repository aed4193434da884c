import 'reflect-metadata';
import { serviceMain } from '@throughline/service-kit';
import { strategyService } from './strategy-service.definition';

serviceMain(strategyService);
