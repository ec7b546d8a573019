"""The local engine served on Rekognition's own wire protocol (AWS JSON 1.1, SigV4-signed).

So that the real boto3 client, the AWS CLI and existing Rekognition apps can use it:
`views.endpoint` routes on X-Amz-Target, `sigv4` verifies the signature with keys issued by
`keys`, `shapes` checks parameters against botocore's copy of the service model, `operations`
answers on the local engine with Rekognition's shapes and error types.
"""
