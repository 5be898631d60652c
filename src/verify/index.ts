export * from '@hookline/verify';
