// The AWS SDK for Go v2 as a client of the tests (tests/it/support/clients.rs): loads
// the default config exactly as a Go program would (config.LoadDefaultConfig, with the
// environment it was given), calls sts:GetCallerIdentity, and prints as JSON whom AWS
// saw, the access key id the chain resolved and the provider it came from (the
// credentials' Source). Never the secret. On failure: one line on stderr, exit 1.
//
// Built by scripts/test-go from Debian's golang-github-aws-aws-sdk-go-v2-dev (SDK
// 1.17.1), which predates AWS_ENDPOINT_URL: so that every call goes to the test's
// server, this program routes the SDK's calls (those of the credential providers too)
// to AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL, as newer SDKs do by themselves.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	answer, err := callerIdentity(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(answer); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func callerIdentity(ctx context.Context) (map[string]string, error) {
	var options []func(*config.LoadOptions) error
	if endpoint := endpointURL(); endpoint != "" {
		options = append(options, config.WithEndpointResolverWithOptions(
			aws.EndpointResolverWithOptionsFunc(func(service, region string, _ ...interface{}) (aws.Endpoint, error) {
				return aws.Endpoint{URL: endpoint, HostnameImmutable: true, SigningRegion: region}, nil
			})))
	}
	cfg, err := config.LoadDefaultConfig(ctx, options...)
	if err != nil {
		return nil, err
	}
	credentials, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, err
	}
	identity, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, err
	}
	return map[string]string{
		"arn":     aws.ToString(identity.Arn),
		"account": aws.ToString(identity.Account),
		"key":     credentials.AccessKeyID,
		"source":  credentials.Source,
		"region":  cfg.Region,
	}, nil
}

func endpointURL() string {
	if url := os.Getenv("AWS_ENDPOINT_URL_STS"); url != "" {
		return url
	}
	return os.Getenv("AWS_ENDPOINT_URL")
}
