/* pjproject build settings for the Switchboard box (image/, DESIGN.md
 * "The SIP and media engine"). The default build allows 4 SIP calls and a
 * select() ioqueue of 64 handles; a small office needs more.
 * The box reads the effective call limit at start (pjsua_call_get_max_count). */
#ifndef SWITCHBOARD_CONFIG_SITE_H
#define SWITCHBOARD_CONFIG_SITE_H

/* SIP calls: every desk phone, trunk leg and relayed call is one. */
#define PJSUA_MAX_CALLS             256
#define PJSUA_MAX_ACC               64
/* Conference bridge: one port per SIP call, per GSM/analog line, per player
 * and recorder, plus tone generators. */
#define PJSUA_MAX_CONF_PORTS        (PJSUA_MAX_CALLS + 256)
#define PJSUA_MAX_PLAYERS           64
#define PJSUA_MAX_RECORDERS         64
/* epoll (configure --enable-epoll) with room for every call's RTP/RTCP. */
#define PJ_IOQUEUE_MAX_HANDLES      1024
#define PJ_IOQUEUE_HAS_SAFE_UNREG   1
/* Narrowband lines only: the bridge runs at 8 kHz (DESIGN.md). */
#define PJMEDIA_HAS_VIDEO           0
#define PJMEDIA_HAS_SRTP            1
#define PJMEDIA_RESAMPLE_IMP        PJMEDIA_RESAMPLE_LIBRESAMPLE
/* The engine is pumped by the firmware's event loop, never by worker threads. */
#define PJSUA_DEFAULT_AUDIO_FRAME_PTIME 20

#endif
