import { Readable } from 'node:stream';
import { EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { createEc2Catalog } from '../../lib/catalog/ec2-catalog.ts';
import { DependencyUnavailableError } from '../../lib/registry/errors.ts';

const AMI = 'ami-0a1b2c3d4e5f67890';
const GIB = 1024 ** 3;

/**
 * The SDK's own parsing and retries, fed EC2's wire format: the error codes the adapter matches
 * are the ones the SDK really produces, and a failing EC2 is retried before the registry gives up.
 */
describe('ec2 catalog over EC2 query-protocol responses', () => {
  const xmlResponse = (statusCode: number, body: string) => ({
    response: { statusCode, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body: Readable.from([Buffer.from(body)]) },
  });
  const errorXml = (code: string, message: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestID></Response>`;
  const describeXml = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
    <imagesSet>
        <item>
            <imageId>${AMI}</imageId>
            <imageLocation>123456789012/spark-3.5-ubuntu-22.04-20240514</imageLocation>
            <imageState>pending</imageState>
            <imageOwnerId>123456789012</imageOwnerId>
            <creationDate>2024-05-14T10:21:33.000Z</creationDate>
            <isPublic>false</isPublic>
            <architecture>x86_64</architecture>
            <imageType>machine</imageType>
            <name>spark-3.5-ubuntu-22.04-20240514</name>
            <rootDeviceType>ebs</rootDeviceType>
            <rootDeviceName>/dev/sda1</rootDeviceName>
            <blockDeviceMapping>
                <item>
                    <deviceName>/dev/sda1</deviceName>
                    <ebs>
                        <snapshotId>snap-0123456789abcdef0</snapshotId>
                        <volumeSize>8</volumeSize>
                        <deleteOnTermination>true</deleteOnTermination>
                        <volumeType>gp3</volumeType>
                        <encrypted>false</encrypted>
                    </ebs>
                </item>
                <item>
                    <deviceName>/dev/sdb</deviceName>
                    <virtualName>ephemeral0</virtualName>
                </item>
            </blockDeviceMapping>
            <virtualizationType>hvm</virtualizationType>
            <hypervisor>xen</hypervisor>
            <enaSupport>true</enaSupport>
        </item>
    </imagesSet>
</DescribeImagesResponse>`;

  /** A real client whose HTTP layer answers with `respond` and counts the requests. */
  const wireCatalog = (respond: () => ReturnType<typeof xmlResponse>) => {
    const requests: string[] = [];
    const client = new EC2Client({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 3,
      requestHandler: {
        handle: async (request: { body?: unknown }) => {
          requests.push(String(request.body));
          return respond();
        },
      },
    });
    return { catalog: createEc2Catalog({ client }), requests };
  };

  it('reads the facts from a DescribeImages answer', async () => {
    const { catalog, requests } = wireCatalog(() => xmlResponse(200, describeXml));
    expect(await catalog.describeImage(AMI)).toEqual({
      name: 'spark-3.5-ubuntu-22.04-20240514',
      status: 'SAVING',
      progress: 0,
      minDisk: 8,
      minRam: 0,
      size: 8 * GIB,
      created: '2024-05-14T10:21:33Z',
      owner: '123456789012',
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toContain('Action=DescribeImages');
    expect(requests[0]).toContain(`ImageId.1=${AMI}`);
    expect(requests[0]).toContain('Owner.1=self');
  });

  it('does not know an id EC2 answers InvalidAMIID.NotFound for, and does not retry it', async () => {
    const { catalog, requests } = wireCatalog(() => xmlResponse(400, errorXml('InvalidAMIID.NotFound', `The image id '[${AMI}]' does not exist`)));
    expect(await catalog.describeImage(AMI)).toBeUndefined();
    expect(requests).toHaveLength(1);
  });

  it('gives up on a failing EC2 after the SDK retried it, as the catalog being unavailable', async () => {
    const { catalog, requests } = wireCatalog(() => xmlResponse(500, errorXml('InternalError', 'An internal error has occurred')));
    await expect(catalog.describeImage(AMI)).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(requests).toHaveLength(3);
  });
});
