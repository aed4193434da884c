export * from './spreadsheet-format';
export * from './spreadsheet-reader';
export * from './spreadsheet-writer';
export * from './spreadsheet-http';
