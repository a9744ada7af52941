module kiln.test/goprogram

go 1.19
