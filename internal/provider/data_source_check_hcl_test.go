package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Helpers that write Terraform configuration from JSON requests whose field
// names are the s3access_check arguments (the corpus format, the cmd/s3access
// input format).

// escapeTemplate escapes HCL template sequences in a quoted string.
func escapeTemplate(s string) string {
	s = strings.ReplaceAll(s, "${", "$${")
	return strings.ReplaceAll(s, "%{", "%%{")
}

// policyArguments hold policy documents: a JSON object there becomes its JSON text.
var policyArguments = map[string]bool{
	"identity_policies": true, "permissions_boundary": true, "session_policy": true,
	"service_control_policies": true, "resource_control_policies": true, "vpc_endpoint_policy": true,
	"bucket_policy": true, "key_policy": true,
}

// hclValue renders a decoded JSON value as an HCL expression; inPolicy turns
// objects into JSON strings.
func hclValue(v any, inPolicy bool) (string, error) {
	switch x := v.(type) {
	case nil:
		return "null", nil
	case bool:
		return fmt.Sprint(x), nil
	case json.Number:
		return x.String(), nil
	case string:
		return hclString(x), nil
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			s, err := hclValue(e, inPolicy)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	case map[string]any:
		if inPolicy {
			b, err := json.Marshal(x)
			if err != nil {
				return "", err
			}
			return hclString(string(b)), nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteString("{\n")
		for _, k := range keys {
			s, err := hclValue(x[k], policyArguments[k])
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "    %s = %s\n", hclString(k), s)
		}
		b.WriteString("  }")
		return b.String(), nil
	}
	return "", fmt.Errorf("unsupported JSON value %T", v)
}

// checkBlock renders one s3access_check data block from a JSON request.
func checkBlock(name string, input json.RawMessage) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(input))
	dec.UseNumber()
	var args map[string]any
	if err := dec.Decode(&args); err != nil {
		return "", err
	}
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "data \"s3access_check\" %q {\n", name)
	for _, k := range keys {
		s, err := hclValue(args[k], policyArguments[k])
		if err != nil {
			return "", fmt.Errorf("%s: %w", k, err)
		}
		fmt.Fprintf(&b, "  %s = %s\n", k, s)
	}
	b.WriteString("}\n")
	return b.String(), nil
}
