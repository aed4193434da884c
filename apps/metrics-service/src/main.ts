import 'reflect-metadata';
import { serviceMain } from '@throughline/service-kit';
import { metricsService } from './metrics-service.definition';

serviceMain(metricsService);
