package s3model

//go:generate go run ../../tools/gencatalog -data ../../../shared/data/service-authorization -out catalog_gen.go -license LICENSE-service-authorization.txt
