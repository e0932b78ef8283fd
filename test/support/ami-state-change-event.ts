import { randomUUID } from 'node:crypto';

/** An "EC2 AMI State Change" as EC2 sends it to EventBridge's default bus and the rule passes it to the sync function. */
export const amiStateChange = (imageId: string, State: string, time = new Date().toISOString(), ErrorMessage = '') => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'EC2 AMI State Change',
  source: 'aws.ec2',
  account: '123456789012',
  time,
  region: 'eu-west-1',
  resources: [`arn:aws:ec2:eu-west-1::image/${imageId}`],
  detail: { RequestId: randomUUID(), ImageId: imageId, State, ErrorMessage },
});
