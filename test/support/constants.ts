export const TABLE_NAME = 'image-registry-test';
