/** The account and region of every mocked deploy. */
export const mockAccount = '123456789012';
export const mockRegion = 'eu-west-2';

/** A resource a mocked deploy recorded: its Pulumi type, logical name and resolved inputs. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  // biome-ignore lint/suspicious/noExplicitAny: the provider's inputs, free-form; the tests read them by path.
  readonly inputs: Record<string, any>;
}

/** The physical name, ARN and URL AWS would give a resource, from the name its inputs set. */
export function physicalArn(resource: RecordedResource): Record<string, string> {
  const { type, inputs } = resource;
  const name = String(inputs.name ?? inputs.bucket ?? resource.name);
  const service = type.split(':')[1]?.split('/')[0] ?? 'unknown';
  const arn = (() => {
    switch (type) {
      case 'aws:s3/bucket:Bucket':
      case 'aws:s3/bucketV2:BucketV2':
        return `arn:aws:s3:::${name}`;
      case 'aws:lambda/function:Function':
        return `arn:aws:lambda:${mockRegion}:${mockAccount}:function:${name}`;
      case 'aws:iam/role:Role':
        return `arn:aws:iam::${mockAccount}:role/${name}`;
      default:
        return `arn:aws:${service}:${mockRegion}:${mockAccount}:${name}`;
    }
  })();
  return {
    name,
    bucket: name,
    arn,
    url: `https://sqs.${mockRegion}.amazonaws.com/${mockAccount}/${name}`,
    invokeArn: `arn:aws:apigateway:${mockRegion}:lambda:path/${arn}`,
  };
}
