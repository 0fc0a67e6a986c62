package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A tiny fixture data set (not the real one: tests must not read /work/shared).
var fixture = map[string]string{
	"LICENSE.txt":               "MIT License\n\nCopyright (c) test\n",
	"s3-actions.json":           `{"getobject":{"name":"GetObject","accessLevel":"Read","resourceTypes":[{"name":"object","required":false,"conditionKeys":[],"dependentActions":[]},{"name":"accesspointobject","required":false,"conditionKeys":[],"dependentActions":[]}],"conditionKeys":["s3:ExistingObjectTag/<key>"],"dependentActions":[]},"listallmybuckets":{"name":"ListAllMyBuckets","accessLevel":"List","resourceTypes":[],"conditionKeys":[],"dependentActions":[]}}`,
	"kms-actions.json":          `{"decrypt":{"name":"Decrypt","accessLevel":"Write","resourceTypes":[{"name":"key","required":true,"conditionKeys":[],"dependentActions":["kms:DescribeKey"]}],"conditionKeys":["kms:ViaService"],"dependentActions":["kms:X"]}}`,
	"s3-resourceTypes.json":     `{"object":{"key":"object","arn":"arn:${Partition}:s3:::${BucketName}/${ObjectName}","conditionKeys":["s3:BucketTag/${TagKey}"]},"accesspointobject":{"key":"accesspointobject","arn":"arn:x"}}`,
	"kms-resourceTypes.json":    `{"key":{"key":"key","arn":"arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"}}`,
	"s3-conditionKeys.json":     `{"s3:existingobjecttag/<key>":{"key":"s3:ExistingObjectTag/<key>","type":"String"}}`,
	"kms-conditionKeys.json":    `{"kms:viaservice":{"key":"kms:ViaService","type":"String"}}`,
	"global-conditionKeys.json": `[{"key":"aws:SourceIp","category":"network","type":"IPAddress"}]`,
}

func writeFixture(t *testing.T, override map[string]string) string {
	dir := t.TempDir()
	for name, body := range fixture {
		if o, ok := override[name]; ok {
			body = o
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestGenerate(t *testing.T) {
	src, lic, err := generate(writeFixture(t, nil), "s3model")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	if !strings.HasPrefix(s, "// Code generated ") || !strings.Contains(strings.SplitN(s, "\n", 2)[0], "DO NOT EDIT.") {
		t.Errorf("missing generated-code header: %q", strings.SplitN(s, "\n", 2)[0])
	}
	for _, want := range []string{
		"// MIT License", "// Copyright (c) test",
		`Name: "GetObject"`, `Name: "ListAllMyBuckets"`, `Name: "Decrypt"`,
		`{Type: "accesspointobject", Required: false}, {Type: "object", Required: false}`, // sorted
		`DependentActions: []string{"kms:DescribeKey"}`,
		`ARNFormat: "arn:${Partition}:s3:::${BucketName}/${ObjectName}"`,
		`Key: "aws:SourceIp", Type: "IPAddress", Category: "network"`,
		"genS3ActionCount  = 2", "genKMSActionCount = 1",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "catalog_gen.go", src, parser.ParseComments); err != nil {
		t.Errorf("output does not parse: %v", err)
	}
	if string(lic) != fixture["LICENSE.txt"] {
		t.Errorf("licence copy = %q", lic)
	}
}

func TestGenerateErrors(t *testing.T) {
	tests := map[string]map[string]string{
		"bad json":          {"s3-actions.json": `{`},
		"name mismatch":     {"s3-actions.json": `{"getobject":{"name":"PutObject"}}`},
		"no arn":            {"s3-resourceTypes.json": `{"object":{"key":"object"}}`},
		"no key type":       {"kms-conditionKeys.json": `{"kms:viaservice":{"key":"kms:ViaService"}}`},
		"no global type":    {"global-conditionKeys.json": `[{"key":"aws:SourceIp"}]`},
		"global not a list": {"global-conditionKeys.json": `{}`},
	}
	for name, o := range tests {
		if _, _, err := generate(writeFixture(t, o), "s3model"); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, _, err := generate(t.TempDir(), "s3model"); err == nil {
		t.Error("missing files: no error")
	}
}
