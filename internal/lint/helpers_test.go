package lint

import "github.com/s3access/terraform-provider-s3access/internal/s3model"

type s3modelAction = s3model.Action

func s3modelActions(svc string) []s3model.Action { return s3model.Actions(svc) }
