/* jpage: paginates a Hanweb column whose first records sit in an inline <datastore>. */
(function(){
if(typeof window.$==="undefined"){
	window.$=function(a){
		if(typeof a==="function"){document.addEventListener("DOMContentLoaded",a);return null;}
		var el=typeof a==="string"?document.querySelector(a):a;
		return {jpage:function(o){jpage(el,o);},ready:function(f){document.addEventListener("DOMContentLoaded",f);}};
	};
	window.$.fn={};
}
function records(xml){var out=[],re=/<record><!\[CDATA\[([\s\S]*?)\]\]><\/record>/g,m;while((m=re.exec(xml))){out.push(m[1]);}return out;}
function jpage(el,o){
	if(!el){return;}
	var script=el.querySelector('script[type="text/xml"]');
	var first=records(script?script.text:"");
	var pages=Math.max(1,Math.ceil(o.totalRecord/o.perPage));
	var box=document.createElement("ul");var bar=document.createElement("div");bar.className="default_pgContainer";
	el.appendChild(box);el.appendChild(bar);
	function show(recs,page){
		box.innerHTML=recs.join("");
		var h="共"+o.totalRecord+"条 "+page+"/"+pages+"页 ";
		if(page>1){h+='<a href="javascript:;" data-p="1">首页</a> <a href="javascript:;" data-p="'+(page-1)+'">上页</a> ';}
		if(page<pages){h+='<a href="javascript:;" data-p="'+(page+1)+'">下页</a> <a href="javascript:;" data-p="'+pages+'">尾页</a>';}
		bar.innerHTML=h;
		var links=bar.getElementsByTagName("a");
		for(var i=0;i<links.length;i++){links[i].onclick=function(){go(parseInt(this.getAttribute("data-p"),10));};}
	}
	function go(page){
		if(page==1){show(first,1);return;}
		var s=(page-1)*o.perPage+1,e=page*o.perPage,p=o.ajaxParam,body=[];
		for(var k in p){body.push(k+"="+encodeURIComponent(p[k]));}
		var x=new XMLHttpRequest();
		x.onreadystatechange=function(){if(x.readyState==4&&x.status==200){show(records(x.responseText),page);}};
		x.open("POST",o.proxyUrl+"?startrecord="+s+"&endrecord="+e+"&perpage="+o.perPage,true);
		x.setRequestHeader("Content-Type","application/x-www-form-urlencoded");
		x.send(body.join("&"));
	}
	go(1);
}
})();
