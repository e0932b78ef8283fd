import { httpHandler } from '../lib/http/http-handler.ts';
import { imageService } from '../lib/image-service/image-service-from-env.ts';

export const handler = httpHandler('show-catalog-image', async ({ imageId }) => imageService.showImage(imageId));
