#include "guest.h"

void putc(char c)
{
	outb(COM1, (uint8_t)c);
}

void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void put_num(uint64_t v, unsigned int base, int width, char pad)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width--)
		putc(pad);
	while (n)
		putc(buf[--n]);
}

void vgprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int width = 0, lng = 0;
		char pad = ' ';

		if (*fmt != '%') {
			putc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == 'l') {
			lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 's': puts(va_arg(ap, const char *)); break;
		case 'c': putc((char)va_arg(ap, int)); break;
		case 'x': put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t), 16, width, pad); break;
		case 'u': put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t), 10, width, pad); break;
		case 'o': put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t), 8, width, pad); break;
		case 'd': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int32_t);

			if (v < 0) {
				putc('-');
				v = -v;
			}
			put_num((uint64_t)v, 10, width, pad);
			break;
		}
		case '\0': return;
		default: putc(*fmt); break;
		}
	}
}

void gprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vgprintf(fmt, ap);
	va_end(ap);
}

void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

void wait_ctrl_alt_del(void)
{
	int ctrl = 0, alt = 0, ext = 0;

	for (;;) {
		uint8_t sc;

		while (!(inb(0x64) & 1))
			pause();
		sc = inb(0x60);
		if (sc == 0xe0) {
			ext = 1;
			continue;
		}
		if (sc == 0x1d || sc == 0x9d)
			ctrl = !(sc & 0x80);
		else if (sc == 0x38 || sc == 0xb8)
			alt = !(sc & 0x80);
		else if (ext && sc == 0x53 && ctrl && alt)
			return;
		ext = 0;
	}
}

void poweroff(uint8_t code)
{
	outb(DEBUG_EXIT, code);
	halt_forever();
}

const char *cmdline_find(const char *cmdline, const char *key)
{
	size_t n = strlen(key);
	const char *p = cmdline;

	while (p && *p) {
		if ((p == cmdline || p[-1] == ' ') && !strncmp(p, key, n) && p[n] == '=')
			return p + n + 1;
		p++;
	}
	return NULL;
}

uint64_t parse_num(const char *s)
{
	uint64_t v = 0;

	if (s[0] == '0' && s[1] == 'x') {
		for (s += 2;; s++) {
			if (*s >= '0' && *s <= '9') v = v * 16 + (uint64_t)(*s - '0');
			else if (*s >= 'a' && *s <= 'f') v = v * 16 + (uint64_t)(*s - 'a' + 10);
			else return v;
		}
	}
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (uint64_t)(*s - '0');
	return v;
}

void *memset(void *d, int c, size_t n)
{
	uint8_t *p = d;

	while (n--)
		*p++ = (uint8_t)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *p = d;
	const uint8_t *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++)
		if (*a != *b || !*a)
			return (uint8_t)*a - (uint8_t)*b;
	return 0;
}
