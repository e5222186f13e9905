/* A tiny engine library for the loader's tests, compiled with cc into a
 * temporary directory. -DOMIT_FREE leaves out aegis_free (a missing
 * symbol), -DABI=N sets the ABI version it claims. aegis_attack_paths
 * answers by max_depth: 1 an output document, 2 a bad-input error
 * document, 3 an internal error (a caught panic), 4 an unknown status.
 * aegis_version reports how many buffers were given back to aegis_free. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ABI
#define ABI 1
#endif

static int frees;
static char version[64];

uint32_t aegis_abi_version(void) { return ABI; }

const char *aegis_version(void) {
	snprintf(version, sizeof version, "fake 1.0 frees=%d", frees);
	return version;
}

static void give(const char *s, uint8_t **p, size_t *n) {
	*n = strlen(s);
	*p = malloc(*n);
	memcpy(*p, s, *n);
}

int32_t aegis_attack_paths(const uint8_t *in, size_t in_len, int64_t max_depth, int64_t top_k,
                           uint8_t **out, size_t *out_len, uint8_t **err, size_t *err_len) {
	(void)in; (void)in_len; (void)top_k;
	*out = NULL; *out_len = 0; *err = NULL; *err_len = 0;
	switch (max_depth) {
	case 1:
		give("{\"schema\":\"aegis.attackpaths.v1\",\"accounts\":[]}", out, out_len);
		return 0;
	case 2:
		give("{\"schema\":\"aegis.error.v1\",\"code\":\"invalid_json\",\"message\":\"fake\"}", err, err_len);
		return 1;
	case 3:
		give("{\"schema\":\"aegis.error.v1\",\"code\":\"internal\",\"message\":\"fake panicked\"}", err, err_len);
		return 2;
	default:
		return 42;
	}
}

#ifndef OMIT_FREE
void aegis_free(uint8_t *p, size_t n) {
	(void)n;
	if (p != NULL) {
		frees++;
		free(p);
	}
}
#endif
