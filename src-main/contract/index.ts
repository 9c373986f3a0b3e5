export * from './activity';
export * from './api';
export * from './exam';
export * from './result';
export * from './risk';
export * from './policy';
export * from './clock';
export * from './flag-file';
